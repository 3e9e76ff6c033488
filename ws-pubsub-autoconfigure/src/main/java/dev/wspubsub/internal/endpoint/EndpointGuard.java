package dev.wspubsub.internal.endpoint;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.wspubsub.UpgradeRejectedException;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.internal.transport.ConnectionHandler;
import org.jspecify.annotations.Nullable;

/**
 * What security adds to every endpoint, at the points the runtime calls it: a check of
 * the upgrade before {@code @OnUpgrade}, the subprotocol to answer when the client sent
 * its token as one, and a wrapper around the handler of each connection's events (rate
 * limits, token expiry). Every {@code EndpointGuard} bean applies, in bean order.
 */
public interface EndpointGuard {

	/** Changes nothing. */
	EndpointGuard NONE = new EndpointGuard() {
	};

	/**
	 * Checks an upgrade on the endpoint at {@code path}, after the web filters and before
	 * {@code @OnUpgrade}.
	 * @throws UpgradeRejectedException to refuse it with a status
	 */
	default void checkUpgrade(UpgradeRequest request, String path, @Nullable Principal principal) {
	}

	/**
	 * The subprotocol to select when none of the endpoint's own matched, or {@code null}.
	 * Browsers drop a connection whose 101 selects none of the protocols they offered.
	 */
	default @Nullable String selectSubprotocol(List<String> offered) {
		return null;
	}

	/**
	 * Wraps the handler of an endpoint's connection events; the same handler unless
	 * overridden.
	 */
	default ConnectionHandler decorate(ConnectionHandler handler) {
		return handler;
	}

	/**
	 * One guard that applies each of {@code guards} in order; handlers are wrapped
	 * first-outermost.
	 */
	static EndpointGuard allOf(List<? extends EndpointGuard> guards) {
		if (guards.isEmpty()) {
			return NONE;
		}
		if (guards.size() == 1) {
			return guards.get(0);
		}
		List<EndpointGuard> all = List.copyOf(guards);
		return new EndpointGuard() {

			@Override
			public void checkUpgrade(UpgradeRequest request, String path, @Nullable Principal principal) {
				for (EndpointGuard guard : all) {
					guard.checkUpgrade(request, path, principal);
				}
			}

			@Override
			public @Nullable String selectSubprotocol(List<String> offered) {
				for (EndpointGuard guard : all) {
					String selected = guard.selectSubprotocol(offered);
					if (selected != null) {
						return selected;
					}
				}
				return null;
			}

			@Override
			public ConnectionHandler decorate(ConnectionHandler handler) {
				List<EndpointGuard> reversed = new ArrayList<>(all);
				Collections.reverse(reversed);
				ConnectionHandler decorated = handler;
				for (EndpointGuard guard : reversed) {
					decorated = guard.decorate(decorated);
				}
				return decorated;
			}
		};
	}

}
