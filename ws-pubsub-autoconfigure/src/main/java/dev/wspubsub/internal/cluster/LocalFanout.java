package dev.wspubsub.internal.cluster;

import dev.wspubsub.spi.Fanout;
import dev.wspubsub.spi.OutboundMessage;

/** The single-node default: there are no other nodes to reach. */
public final class LocalFanout implements Fanout {

	@Override
	public void forward(String topic, OutboundMessage message) {
	}

	@Override
	public boolean mayReachOtherNodes(String topic) {
		return false;
	}

	@Override
	public String mode() {
		return "local";
	}

}
