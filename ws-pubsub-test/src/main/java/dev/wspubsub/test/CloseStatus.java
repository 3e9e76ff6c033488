package dev.wspubsub.test;

/**
 * How a WebSocket connection ended, as seen by {@link WsTestClient}.
 *
 * <p>
 * {@code code} is the status code of the close frame the server sent (1005 when that
 * frame had no body) or 1006 when the connection ended without a close frame from the
 * server: the TCP connection dropped, a protocol error occurred, or the client
 * {@linkplain WsTestClient#abort() aborted}.
 *
 * @param code the close status code
 * @param reason the close reason sent by the server, or a description of why the
 * connection ended abnormally (code 1006); never {@code null}, possibly empty
 */
public record CloseStatus(int code, String reason) {

	/** Close code for a normal closure. */
	public static final int NORMAL = 1000;

	/** Close code reported when the connection ended without a close frame. */
	public static final int ABNORMAL = 1006;

}
