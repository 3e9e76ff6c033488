package dev.wspubsub.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import dev.wspubsub.WsPubSubConfigurationException;

/**
 * This node's id ({@code WsServer.nodeId()}), resolved once per start. With Redis fan-out
 * it is {@code ws-pubsub.fanout.redis.node-id} when set, since other nodes see it in
 * envelopes and presence keys; otherwise (and always with local fan-out, where no other
 * node sees it) a random one.
 */
record NodeId(String value) {

	static NodeId resolve(WsPubSubProperties properties) {
		WsPubSubProperties.Redis redis = properties.getFanout().getRedis();
		String configured = redis.isEnabled() ? redis.getNodeId() : null;
		if (configured == null || configured.isBlank()) {
			return new NodeId(UUID.randomUUID().toString().substring(0, 8));
		}
		if (configured.indexOf(':') >= 0 || configured.getBytes(StandardCharsets.UTF_8).length > 255) {
			throw new WsPubSubConfigurationException("ws-pubsub.fanout.redis.node-id is '" + configured + "'.",
					"Set ws-pubsub.fanout.redis.node-id to at most 255 bytes without ':', or leave it unset"
							+ " for a random one.");
		}
		return new NodeId(configured);
	}
}
