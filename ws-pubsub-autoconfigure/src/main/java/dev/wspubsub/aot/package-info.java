/**
 * Spring AOT support: the runtime hints of ws-pubsub's own types. The hints of the
 * application's {@code @WsEndpoint} beans and {@code @Topic} methods come from the
 * endpoint package, which reads them.
 */
@NullMarked
package dev.wspubsub.aot;

import org.jspecify.annotations.NullMarked;
