/**
 * The chat sample: rooms, history, presence, typing indicators and direct messages over
 * one WebSocket endpoint, written with ws-pubsub's annotations.
 */
@NullMarked
package dev.wspubsub.sample.chat;

import org.jspecify.annotations.NullMarked;
