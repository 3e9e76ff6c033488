/**
 * The browser client, {@code ws-pubsub-client.js}: an ES module the starter serves, so a
 * page needs no build step to reconnect, resume and correlate requests.
 */
@NullMarked
package dev.wspubsub.internal.client;

import org.jspecify.annotations.NullMarked;
