/**
 * Test support for WebSocket servers built with the ws-pubsub starter (or any other
 * server): {@link dev.wspubsub.test.WsTestClient}, a blocking, assertion-friendly client
 * over a real socket, {@link dev.wspubsub.test.RawWebSocket}, a frame-level client for
 * RFC 6455 conformance tests, and {@link dev.wspubsub.test.SseTestClient}, a Server-Sent
 * Events client. Every wait is bounded by a timeout.
 */
@NullMarked
package dev.wspubsub.test;

import org.jspecify.annotations.NullMarked;
