"""Care service: health, elderly care, childcare, public health, and the watch over
people living alone."""
