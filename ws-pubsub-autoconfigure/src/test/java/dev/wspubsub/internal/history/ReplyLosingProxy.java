package dev.wspubsub.internal.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of Redis on loopback that loses one reply: once armed with a
 * marker, the connection that forwards a command holding the marker is cut when Redis
 * answers, so Redis ran the command and the client never hears it did (a reply lost to a
 * network failure, or to a client that gave up waiting). Everything else is forwarded as
 * is.
 */
final class ReplyLosingProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int redisPort;

	private final AtomicReference<byte[]> marker = new AtomicReference<>();

	private final AtomicInteger repliesLost = new AtomicInteger();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	private ReplyLosingProxy(int redisPort) throws IOException {
		this.redisPort = redisPort;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "reply-losing-proxy");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	static ReplyLosingProxy to(int redisPort) {
		try {
			return new ReplyLosingProxy(redisPort);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot open the proxy's port", ex);
		}
	}

	int port() {
		return this.server.getLocalPort();
	}

	/** The reply to the next command holding {@code text} is lost, once. */
	void loseReplyTo(String text) {
		this.marker.set(text.getBytes(StandardCharsets.UTF_8));
	}

	int repliesLost() {
		return this.repliesLost.get();
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.server.accept();
				Socket redis = new Socket(InetAddress.getLoopbackAddress(), this.redisPort);
				this.sockets.add(client);
				this.sockets.add(redis);
				Connection connection = new Connection(client, redis);
				start(() -> connection.pumpCommands(), "proxy-commands");
				start(() -> connection.pumpReplies(), "proxy-replies");
			}
			catch (IOException ex) {
				// closed, or Redis refused: the client sees its connection fail
			}
		}
	}

	private static void start(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.server);
		this.sockets.forEach(ReplyLosingProxy::closeQuietly);
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

	private final class Connection {

		private final Socket client;

		private final Socket redis;

		// Set before the marked command goes on to Redis, so its reply finds it set.
		private volatile boolean cutAtNextReply;

		Connection(Socket client, Socket redis) {
			this.client = client;
			this.redis = redis;
		}

		void pumpCommands() {
			byte[] buffer = new byte[64 * 1024];
			try (InputStream in = this.client.getInputStream(); OutputStream out = this.redis.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					byte[] wanted = ReplyLosingProxy.this.marker.get();
					if (wanted != null && contains(buffer, read, wanted)
							&& ReplyLosingProxy.this.marker.compareAndSet(wanted, null)) {
						this.cutAtNextReply = true;
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// cut, or closed
			}
			cut();
		}

		void pumpReplies() {
			byte[] buffer = new byte[64 * 1024];
			try (InputStream in = this.redis.getInputStream(); OutputStream out = this.client.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (this.cutAtNextReply) {
						ReplyLosingProxy.this.repliesLost.incrementAndGet();
						break;
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// cut, or closed
			}
			cut();
		}

		private void cut() {
			closeQuietly(this.client);
			closeQuietly(this.redis);
		}

		private static boolean contains(byte[] buffer, int length, byte[] wanted) {
			outer: for (int i = 0; i + wanted.length <= length; i++) {
				for (int j = 0; j < wanted.length; j++) {
					if (buffer[i + j] != wanted[j]) {
						continue outer;
					}
				}
				return true;
			}
			return false;
		}

	}

}
