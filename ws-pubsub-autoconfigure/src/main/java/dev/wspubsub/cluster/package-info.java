@NullMarked
package dev.wspubsub.cluster;

import org.jspecify.annotations.NullMarked;
