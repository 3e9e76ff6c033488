package dev.wspubsub;

/**
 * An application misconfigured for ws-pubsub, found at start-up. It is built from two
 * parts that stay apart: {@link #description()} names the bean and the method and says
 * what is wrong, {@link #action()} says how to fix it. The message joins them for logs
 * that show only the message; Spring Boot's failure analysis prints the parts themselves.
 */
public class WsPubSubConfigurationException extends RuntimeException {

	private final String description;

	private final String action;

	public WsPubSubConfigurationException(String description, String action) {
		super(description + " " + action);
		this.description = description;
		this.action = action;
	}

	/** What the problem is, without the fix. */
	public String description() {
		return this.description;
	}

	/** How to fix it. */
	public String action() {
		return this.action;
	}

}
