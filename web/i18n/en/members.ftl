# The members pages.
