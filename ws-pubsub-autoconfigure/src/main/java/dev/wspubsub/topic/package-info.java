@NullMarked
package dev.wspubsub.topic;

import org.jspecify.annotations.NullMarked;
