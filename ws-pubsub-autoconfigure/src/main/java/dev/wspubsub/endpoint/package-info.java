@NullMarked
package dev.wspubsub.endpoint;

import org.jspecify.annotations.NullMarked;
