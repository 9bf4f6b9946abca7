build-clang/src/probe.o: src/probe.c src/probe.h

src/probe.h:
