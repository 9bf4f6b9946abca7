build-clang/cli/escape.o: cli/escape.c cli/digits.h cli/escape.h

cli/digits.h:

cli/escape.h:
