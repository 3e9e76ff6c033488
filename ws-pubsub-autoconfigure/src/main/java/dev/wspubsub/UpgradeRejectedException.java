package dev.wspubsub;

/**
 * Thrown from {@code @OnUpgrade} to refuse the upgrade: the client gets {@code status}
 * with {@code reason} as a plain-text body, and no WebSocket is opened.
 *
 * <pre class="code">
 * throw new UpgradeRejectedException(400, "Username required");
 * </pre>
 */
public class UpgradeRejectedException extends RuntimeException {

	private final int status;

	private final String reason;

	public UpgradeRejectedException(int status, String reason) {
		super(status + " " + reason);
		if (status < 400 || status > 599) {
			throw new IllegalArgumentException("status must be a 4xx or 5xx HTTP status, was " + status);
		}
		this.status = status;
		this.reason = reason;
	}

	/** The HTTP status sent instead of 101. */
	public int status() {
		return this.status;
	}

	/** The plain-text body sent with the status. */
	public String reason() {
		return this.reason;
	}

}
