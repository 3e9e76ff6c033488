/** The chat benchmark server built with ws-pubsub. */
@NullMarked
package dev.wspubsub.bench.chat;

import org.jspecify.annotations.NullMarked;
