@NullMarked
package dev.wspubsub.transport;

import org.jspecify.annotations.NullMarked;
