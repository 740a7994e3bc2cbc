# Cascade: `make run` opens the app on the demo programme, `make test` runs
# every test. Both install the Debian packages they need when missing.

export PATH := /usr/local/go/bin:$(PATH)
GO        ?= go
DEMO_DB   ?= demo.db
# Fyne needs cgo and these; the tests read PDFs back with poppler-utils and
# scan the certificates' QR codes with zbar-tools.
APT_PKGS  := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
             libxinerama-dev libxi-dev libxxf86vm-dev poppler-utils zbar-tools sqlite3
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build run demo test vet lint bench screens package clean pg pg-stop

# install_missing installs whichever of the Debian packages in $(1) are
# missing, with apt-get install options $(2).
define install_missing
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(2) $$missing; \
	fi
endef

deps:
	$(call install_missing,$(APT_PKGS))

build: deps
	$(GO) build -o cascade ./cmd/cascade

$(DEMO_DB): | build
	./cascade demo --db $(DEMO_DB) --password demo-password

demo: $(DEMO_DB)

run: build $(DEMO_DB)
	./cascade --db $(DEMO_DB)

vet: deps
	$(GO) vet ./...

# staticcheck finds what nothing calls and other mistakes vet does not.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint: deps
	$(GO) run $(STATICCHECK) ./...

# The verification page is tested in a real browser; Chromium is large, so
# only the tests install it, not the build. The store's tests run a second
# time against PostgreSQL, in a throwaway cluster (.ci/postgres).
TEST_PKGS := chromium postgresql
# The tests of every package copy one demo programme (sqlstoretest). Under the
# race detector the pure-Go SQLite runs some twenty times slower, so the demo
# is built once here, uninstrumented, rather than once per test binary; its
# password is sqlstoretest.Password.
# RACE_FLAGS leaves the SQLite engine (modernc.org: C translated to Go) out
# of the race detector's instrumentation: its integrity check of the demo
# took over a minute instrumented and two seconds not, and the whole store
# suite was most of CI's time. Every line of Cascade, database/sql, Fyne,
# gofpdf and excelize is still instrumented, so a race in our code or in how
# we call those libraries still fails; only a race inside SQLite's own
# memory, which no test of ours touches directly, would go unseen.
RACE_FLAGS := -race -gcflags=modernc.org/...=-race=false
test: vet lint
	$(call install_missing,$(TEST_PKGS),--no-install-recommends)
	GO=$(GO) RACE_FLAGS="$(RACE_FLAGS)" TEST_PG_PORT=$(TEST_PG_PORT) .ci/test

# TEST_PG_PORT is the throwaway test cluster's port; PG_PORT the development one's.
TEST_PG_PORT ?= 55439
PG_PORT      ?= 55432
PG_DIR       ?= .pg

# pg starts a local PostgreSQL for development in $(PG_DIR) (made the first
# time) and says how to put the demo in it; pg-stop stops it.
pg:
	$(call install_missing,postgresql)
	@url=$$(.ci/postgres start "$(abspath $(PG_DIR))" $(PG_PORT)) && \
	echo "PostgreSQL is running: $$url" && \
	echo "make a database and move the demo in:" && \
	echo "  createdb -h 127.0.0.1 -p $(PG_PORT) -U postgres cascade" && \
	echo "  ./cascade migrate --from $(DEMO_DB) --to postgres://postgres@127.0.0.1:$(PG_PORT)/cascade?sslmode=disable" && \
	echo "then open it: ./cascade --db 'postgres://postgres@127.0.0.1:$(PG_PORT)/cascade?sslmode=disable'"

pg-stop:
	.ci/postgres stop "$(abspath $(PG_DIR))"

# The benchmark compares against the sqlite3 shell on the same file and
# LibreOffice converting the same certificates to PDF.
BENCH_PKGS := sqlite3 libreoffice-writer-nogui
bench: deps
	$(call install_missing,$(BENCH_PKGS),--no-install-recommends)
	$(GO) run ./cmd/cascade-bench

package: deps
	$(GO) run fyne.io/tools/cmd/fyne@latest package -os linux -src cmd/cascade -icon ../../assets/icon.png

clean:
	rm -f cascade $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	rm -rf $(DEMO_DB).files
