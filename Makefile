.PHONY: run test build bench
run:
	scripts/run
test:
	scripts/test
build:
	swift build
bench:
	scripts/install-deps bench
	scripts/bench
