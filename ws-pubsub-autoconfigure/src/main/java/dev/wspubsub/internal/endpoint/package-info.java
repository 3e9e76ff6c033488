@NullMarked
package dev.wspubsub.internal.endpoint;

import org.jspecify.annotations.NullMarked;
