@NullMarked
package dev.wspubsub.internal.cluster;

import org.jspecify.annotations.NullMarked;
