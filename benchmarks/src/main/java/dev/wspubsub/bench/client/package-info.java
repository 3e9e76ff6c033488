/**
 * Load clients on plain Netty: chat throughput, idle-connection memory, publish latency.
 */
@NullMarked
package dev.wspubsub.bench.client;

import org.jspecify.annotations.NullMarked;
