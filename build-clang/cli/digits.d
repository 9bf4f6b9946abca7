build-clang/cli/digits.o: cli/digits.c cli/digits.h

cli/digits.h:
