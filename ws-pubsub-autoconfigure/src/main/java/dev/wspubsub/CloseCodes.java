package dev.wspubsub;

/** WebSocket close codes of RFC 6455 §7.4.1 that ws-pubsub sends or reports. */
public final class CloseCodes {

	/** Normal closure. */
	public static final int NORMAL = 1000;

	/** The server is going away (shutdown). */
	public static final int GOING_AWAY = 1001;

	/** A protocol error (bad framing, reserved bits, unmasked client frame). */
	public static final int PROTOCOL_ERROR = 1002;

	/** Data of a type the endpoint cannot accept. */
	public static final int UNSUPPORTED_DATA = 1003;

	/** No status code was present in the close frame (never sent). */
	public static final int NO_STATUS = 1005;

	/** The connection dropped without a close frame (never sent). */
	public static final int ABNORMAL = 1006;

	/** Text that is not valid UTF-8. */
	public static final int INVALID_PAYLOAD = 1007;

	/** A policy violation (rate limit, expired token, backpressure limit). */
	public static final int POLICY_VIOLATION = 1008;

	/** A message over {@code max-payload-length}. */
	public static final int MESSAGE_TOO_BIG = 1009;

	/** The server hit an unexpected condition. */
	public static final int INTERNAL_ERROR = 1011;

	/**
	 * The server is restarting (a paced drain at shutdown): reconnect, after a random
	 * delay within the window the close reason gives.
	 */
	public static final int SERVICE_RESTART = 1012;

	/**
	 * The server is overloaded and did not handle what the client sent: reconnect later.
	 */
	public static final int TRY_AGAIN_LATER = 1013;

	private CloseCodes() {
	}

}
