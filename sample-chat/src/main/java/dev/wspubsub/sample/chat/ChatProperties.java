package dev.wspubsub.sample.chat;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The chat's settings ({@code chat.*}).
 *
 * @param rooms the rooms offered to the page; any other valid name can be joined as well
 * @param maxRoomsPerUser how many rooms one connection may be in at once
 * @param heartbeat the application-level ping the server sends
 * @param auth the optional JWT mode
 */
@ConfigurationProperties("chat")
public record ChatProperties(@DefaultValue( {
		"general", "random", "tech" }) List<String> rooms, @DefaultValue("20") int maxRoomsPerUser,
		@DefaultValue Heartbeat heartbeat, @DefaultValue Auth auth){

	/**
	 * @param interval how often the server sends {@code {"type":"ping"}}
	 * @param timeout how long a client may take to answer with {@code {"type":"pong"}}
	 */
	public record Heartbeat(@DefaultValue("30s") Duration interval, @DefaultValue("10s") Duration timeout) {
	}

	/**
	 * @param jwtSecret the HS256 secret of the JWT mode, at least 32 bytes; empty: the
	 * chat is open
	 * @param tokenTtl how long a token from {@code POST /api/token} is valid
	 */
	public record Auth(@DefaultValue("") String jwtSecret, @DefaultValue("15m") Duration tokenTtl) {
	}
}
