/** Recipes: named, data-driven training schemes that wire the framework's pieces into a run. */
package io.distill4j.recipes;
