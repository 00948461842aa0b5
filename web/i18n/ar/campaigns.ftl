# The campaigns pages.
