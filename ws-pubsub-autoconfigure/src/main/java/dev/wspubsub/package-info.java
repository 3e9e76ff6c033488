/**
 * What applications touch: {@link dev.wspubsub.WsSession}, {@link dev.wspubsub.WsServer},
 * {@link dev.wspubsub.UpgradeRequest} and close codes.
 */
@NullMarked
package dev.wspubsub;

import org.jspecify.annotations.NullMarked;
