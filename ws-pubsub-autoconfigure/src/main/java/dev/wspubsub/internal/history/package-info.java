/**
 * Per-topic history: positions, the stores that keep publications, and recovery of what a
 * subscriber missed.
 */
@NullMarked
package dev.wspubsub.internal.history;

import org.jspecify.annotations.NullMarked;
