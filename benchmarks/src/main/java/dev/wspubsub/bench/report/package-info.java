/** Turns benchmark results into a chart. */
@NullMarked
package dev.wspubsub.bench.report;

import org.jspecify.annotations.NullMarked;
