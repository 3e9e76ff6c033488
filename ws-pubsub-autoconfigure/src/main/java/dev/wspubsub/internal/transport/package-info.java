@NullMarked
package dev.wspubsub.internal.transport;

import org.jspecify.annotations.NullMarked;
