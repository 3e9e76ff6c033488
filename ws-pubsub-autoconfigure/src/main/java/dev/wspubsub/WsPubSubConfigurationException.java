package dev.wspubsub;

/**
 * An application misconfigured for ws-pubsub, found at start-up. The message names the
 * bean and the method; {@link #action()} says how to fix it.
 */
public class WsPubSubConfigurationException extends RuntimeException {

	private final String action;

	public WsPubSubConfigurationException(String description, String action) {
		super(description + " " + action);
		this.action = action;
	}

	/** What the problem is, without the fix. */
	public String description() {
		String message = getMessage();
		return (message != null) ? message.substring(0, message.length() - this.action.length() - 1) : "";
	}

	/** How to fix it. */
	public String action() {
		return this.action;
	}
}
