@NullMarked
package dev.wspubsub.autoconfigure;

import org.jspecify.annotations.NullMarked;
