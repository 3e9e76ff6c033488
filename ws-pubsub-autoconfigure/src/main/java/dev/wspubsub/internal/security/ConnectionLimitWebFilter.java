package dev.wspubsub.internal.security;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.wspubsub.spi.WsMetricsListener;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Caps WebSocket connections, upgrades in progress included: past
 * {@code ws-pubsub.max-connections} an upgrade gets 503, past
 * {@code ws-pubsub.max-connections-per-ip} from one address it gets 429. A place is taken
 * when the upgrade request arrives and given back when the upgrade is refused or the
 * WebSocket's channel closes. Before both, past
 * {@code ws-pubsub.max-upgrades-per-ip-per-second} an upgrade gets 429 too: a cap on
 * connections alone lets an address open and close them as fast as it likes, and each one
 * it gets in runs the application's handlers. Zero means no cap. Runs before Spring
 * Security, so a flood costs no token check; each refusal is told to the
 * {@link WsMetricsListener}.
 */
public final class ConnectionLimitWebFilter implements WebFilter, Ordered {

	/** After the origin check, before Spring Security. */
	public static final int ORDER = -150;

	private final EndpointPathMatcher endpoints;

	private final int maxConnections;

	private final int maxPerAddress;

	private final AtomicInteger total = new AtomicInteger();

	private final Map<String, AtomicInteger> byAddress = new ConcurrentHashMap<>();

	private final AtomicLong rejectedTotal = new AtomicLong();

	private final AtomicLong rejectedPerAddress = new AtomicLong();

	private final @Nullable UpgradeRateLimiter upgradeRate;

	private final AtomicLong rejectedUpgradeRate = new AtomicLong();

	private final WsMetricsListener metrics;

	/** Caps upgrades to the paths of {@code endpoints}; other requests pass untouched. */
	public ConnectionLimitWebFilter(SecuredEndpoints endpoints, int maxConnections, int maxPerAddress) {
		this(endpoints, maxConnections, maxPerAddress, 0, WsMetricsListener.NONE);
	}

	/**
	 * Caps upgrades to the paths of {@code endpoints}, and their rate per address; other
	 * requests pass untouched. Refusals are told to {@code metrics}.
	 */
	public ConnectionLimitWebFilter(SecuredEndpoints endpoints, int maxConnections, int maxPerAddress,
			int maxUpgradesPerAddressPerSecond, WsMetricsListener metrics) {
		this.endpoints = endpoints.matcher();
		this.maxConnections = maxConnections;
		this.maxPerAddress = maxPerAddress;
		this.upgradeRate = (maxUpgradesPerAddressPerSecond > 0)
				? new UpgradeRateLimiter(maxUpgradesPerAddressPerSecond, System.nanoTime()) : null;
		this.metrics = metrics;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.maxConnections <= 0 && this.maxPerAddress <= 0 && this.upgradeRate == null) {
			return chain.filter(exchange);
		}
		String path = this.endpoints.upgradePath(exchange);
		if (path == null) {
			return chain.filter(exchange);
		}
		String address = address(exchange);
		if (this.upgradeRate != null && !this.upgradeRate.tryAcquire(address, System.nanoTime())) {
			this.rejectedUpgradeRate.incrementAndGet();
			return refuse(exchange, path, HttpStatus.TOO_MANY_REQUESTS, WsMetricsListener.REJECTED_UPGRADE_RATE,
					"Too many upgrades from this address");
		}
		if (this.maxConnections > 0 && this.total.incrementAndGet() > this.maxConnections) {
			this.total.decrementAndGet();
			this.rejectedTotal.incrementAndGet();
			return refuse(exchange, path, HttpStatus.SERVICE_UNAVAILABLE,
					WsMetricsListener.REJECTED_TOO_MANY_CONNECTIONS, "Too many connections");
		}
		if (this.maxPerAddress > 0 && !acquire(address)) {
			releaseTotal();
			this.rejectedPerAddress.incrementAndGet();
			return refuse(exchange, path, HttpStatus.TOO_MANY_REQUESTS,
					WsMetricsListener.REJECTED_TOO_MANY_CONNECTIONS_PER_ADDRESS,
					"Too many connections from this address");
		}
		AtomicBoolean released = new AtomicBoolean();
		Runnable release = () -> {
			if (released.compareAndSet(false, true)) {
				if (this.maxPerAddress > 0) {
					release(address);
				}
				releaseTotal();
			}
		};
		return chain.filter(exchange).doFinally((signal) -> {
			// The exchange ends with the 101; an open WebSocket keeps its place until its
			// channel closes.
			Channel channel = channelOf(exchange);
			if (channel != null && channel.pipeline().get(WebSocketFrameDecoder.class) != null) {
				channel.closeFuture().addListener((future) -> release.run());
			}
			else {
				release.run();
			}
		});
	}

	private Mono<Void> refuse(ServerWebExchange exchange, String path, HttpStatus status, String metricsReason,
			String reason) {
		this.metrics.upgradeRejected(path, metricsReason);
		exchange.getResponse().getHeaders().set("Retry-After", "1");
		// A refused client goes: no keep-alive connection on which to try again at once.
		exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
		return UpgradeResponses.refuse(exchange, status, reason);
	}

	private static @Nullable Channel channelOf(ServerWebExchange exchange) {
		try {
			Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
			return (request instanceof Connection connection) ? connection.channel() : null;
		}
		catch (IllegalArgumentException notReactorNetty) {
			return null;
		}
	}

	private void releaseTotal() {
		if (this.maxConnections > 0) {
			this.total.decrementAndGet();
		}
	}

	private boolean acquire(String address) {
		boolean[] acquired = new boolean[1];
		this.byAddress.compute(address, (key, count) -> {
			AtomicInteger counter = (count != null) ? count : new AtomicInteger();
			if (counter.get() < this.maxPerAddress) {
				counter.incrementAndGet();
				acquired[0] = true;
			}
			return (counter.get() == 0) ? null : counter;
		});
		return acquired[0];
	}

	private void release(String address) {
		this.byAddress.computeIfPresent(address, (key, count) -> (count.decrementAndGet() <= 0) ? null : count);
	}

	private static String address(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		if (remote == null) {
			return "unknown";
		}
		InetAddress address = remote.getAddress();
		return (address != null) ? address.getHostAddress() : remote.getHostString();
	}

	/** Connections and upgrades counted against {@code max-connections} now. */
	public int connections() {
		return this.total.get();
	}

	/** Upgrades refused with 503 since start. */
	public long rejectedTotal() {
		return this.rejectedTotal.get();
	}

	/** Upgrades refused with 429 for an address's connections since start. */
	public long rejectedPerAddress() {
		return this.rejectedPerAddress.get();
	}

	/** Upgrades refused with 429 for an address's rate of upgrades since start. */
	public long rejectedUpgradeRate() {
		return this.rejectedUpgradeRate.get();
	}

	/**
	 * Addresses whose rate of upgrades is remembered now: those that upgraded within
	 * about a second.
	 */
	public int rateLimitedAddresses() {
		return (this.upgradeRate != null) ? this.upgradeRate.addresses() : 0;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
