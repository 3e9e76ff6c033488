package dev.wspubsub.sample.chat;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The chat's settings ({@code chat.*}).
 *
 * @param rooms the rooms clients may join
 * @param heartbeat the application-level ping the server sends
 */
@ConfigurationProperties("chat")
public record ChatProperties(@DefaultValue({ "general", "random", "tech" }) List<String> rooms,
		@DefaultValue Heartbeat heartbeat) {

	/**
	 * @param interval how often the server sends {@code {"type":"ping"}}
	 * @param timeout how long a client may take to answer with {@code {"type":"pong"}}
	 */
	public record Heartbeat(@DefaultValue("30s") Duration interval, @DefaultValue("10s") Duration timeout) {
	}
}
