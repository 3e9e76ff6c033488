@NullMarked
package dev.wspubsub.annotation;

import org.jspecify.annotations.NullMarked;
