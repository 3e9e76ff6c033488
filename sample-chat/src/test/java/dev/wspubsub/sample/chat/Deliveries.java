package dev.wspubsub.sample.chat;

import java.util.List;

/**
 * What the users of a soak sent and received in one phase: each user must have got, from
 * each member of its room, exactly what that member sent, in the member's order.
 */
record Deliveries(long sent, long delivered, long lost, long disorder, int open) {

	static Deliveries count(List<SoakMember> users, int roomSize, int phase) throws Exception {
		long sent = 0;
		long delivered = 0;
		long lost = 0;
		long disorder = 0;
		int open = 0;
		for (SoakMember user : users) {
			sent += user.sent(phase);
			SoakMember.Tally tally = user.tally();
			open += tally.open() ? 1 : 0;
			disorder += tally.disorderByPhase()[phase];
			for (int member = 0; member < roomSize && user.roomBase() + member < users.size(); member++) {
				long expected = users.get(user.roomBase() + member).sent(phase);
				long received = tally.receivedByPhase()[phase][member];
				delivered += received;
				lost += Math.abs(expected - received); // more than sent is as wrong as
														// fewer
			}
		}
		return new Deliveries(sent, delivered, lost, disorder, open);
	}
}
