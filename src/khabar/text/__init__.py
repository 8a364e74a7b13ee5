"""Text utilities: normalisation for matching, sentence and token segmentation."""
