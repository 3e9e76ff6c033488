@NullMarked
package dev.wspubsub.internal.topic;

import org.jspecify.annotations.NullMarked;
