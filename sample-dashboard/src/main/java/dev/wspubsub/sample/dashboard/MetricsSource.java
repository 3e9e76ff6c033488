package dev.wspubsub.sample.dashboard;

/** Where samples come from; the real one reads the machine and Micrometer. */
@FunctionalInterface
interface MetricsSource {

	Metrics sample();

}
