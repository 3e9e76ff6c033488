package dev.wspubsub.internal.endpoint;

import java.time.Duration;
import java.util.List;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.internal.transport.EndpointSettings;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.unit.DataSize;

/**
 * Applies a {@code @WsEndpoint}'s overrides (placeholders resolved) to the global
 * settings.
 */
final class SettingsResolver {

	private final EndpointSettings defaults;

	private final PropertyResolver properties;

	SettingsResolver(EndpointSettings defaults, PropertyResolver properties) {
		this.defaults = defaults;
		this.properties = properties;
	}

	EndpointSettings resolve(EndpointDefinition endpoint) {
		WsEndpoint annotation = endpoint.annotation();
		try {
			return new EndpointSettings(endpoint.path(),
					payloadLength(annotation.maxPayloadLength(), this.defaults.maxPayloadLength()),
					duration(annotation.idleTimeout(), this.defaults.idleTimeout()),
					flag(annotation.sendPings(), this.defaults.sendPings()),
					bytes(annotation.backpressureLimit(), this.defaults.backpressureLimit()),
					flag(annotation.closeOnBackpressureLimit(), this.defaults.closeOnBackpressureLimit()),
					flag(annotation.publishToSelf(), this.defaults.publishToSelf()),
					new EndpointSettings.Deflate(
							flag(annotation.perMessageDeflate(), this.defaults.deflate().enabled()),
							this.defaults.deflate().serverNoContextTakeover(),
							this.defaults.deflate().clientNoContextTakeover()),
					List.of(annotation.subprotocols()));
		}
		catch (IllegalArgumentException ex) {
			throw new WsPubSubConfigurationException(
					"@WsEndpoint on bean " + endpoint.describe() + " has an invalid setting: " + ex.getMessage() + ".",
					"Use sizes such as 64KB, durations such as 30s and booleans true or false.");
		}
	}

	private String value(String raw) {
		return this.properties.resolveRequiredPlaceholders(raw).trim();
	}

	private int payloadLength(String raw, int fallback) {
		long bytes = bytes(raw, fallback);
		if (bytes > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("maxPayloadLength must be at most 2GB, was " + raw);
		}
		return (int) bytes;
	}

	private long bytes(String raw, long fallback) {
		return raw.isEmpty() ? fallback : DataSize.parse(value(raw)).toBytes();
	}

	private Duration duration(String raw, Duration fallback) {
		return raw.isEmpty() ? fallback : DurationStyle.detectAndParse(value(raw));
	}

	private boolean flag(String raw, boolean fallback) {
		if (raw.isEmpty()) {
			return fallback;
		}
		String resolved = value(raw);
		if (!resolved.equalsIgnoreCase("true") && !resolved.equalsIgnoreCase("false")) {
			throw new IllegalArgumentException("expected true or false, was '" + resolved + "'");
		}
		return Boolean.parseBoolean(resolved);
	}

}
