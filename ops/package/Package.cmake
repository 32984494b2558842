# The Debian package: `cpack` in the build directory (or `cmake --build build
# --target package`) writes faultgraph_<version>_<arch>.deb there. What it
# holds (docs/OPERATIONS.md, "Install as a service"):
#   /usr/bin/faultgraphd, /usr/bin/faultgraph         the programs (stripped)
#   /etc/faultgraph/text_rules.toml                   the rules the unit passes with --rules
#   /etc/faultgraph/connectors.example.toml           the example connectors file, its
#   /etc/faultgraph/mappings/*.toml                   mappings beside it (ops/simulator/mappings)
#   /etc/default/faultgraph                           FAULTGRAPH_OPTS for the unit
#   /etc/logrotate.d/faultgraph                       rotates --log-file, then SIGHUP
#   /lib/systemd/system/faultgraph.service            Type=notify, watchdog, hardened
#   /var/lib/faultgraph                               the data directory (0700)
#   /usr/share/faultgraph/clients, gen-py             the R&D feed client and its bindings
#   /usr/share/doc/faultgraph                         README and the operator's documents
# and the maintainer scripts (ops/package/postinst, prerm, postrm): the
# faultgraph system user, the directories' owner, the service enabled and
# started. Included from the top-level CMakeLists.txt (CPack's variables
# are read in that scope).
#
# The paths under /etc, /lib and /var are absolute: `cmake --install` writes
# them there too; the package is the supported way to install.

set(FG_PKG ${PROJECT_SOURCE_DIR}/ops/package)
set(FG_PKG_OUT ${PROJECT_BINARY_DIR}/package)

install(TARGETS faultgraphd faultgraph RUNTIME DESTINATION bin)

# The example connectors file as installed: its mappings are beside it in
# /etc/faultgraph/mappings, not in the source tree's ops/simulator.
set(FG_EXAMPLE ${PROJECT_SOURCE_DIR}/ops/config/connectors.example.toml)
file(READ ${FG_EXAMPLE} FG_EXAMPLE_TEXT)
string(REPLACE "\"../simulator/mappings/" "\"mappings/" FG_EXAMPLE_TEXT "${FG_EXAMPLE_TEXT}")
string(REPLACE "ops/config/connectors.example.toml" "/etc/faultgraph/connectors.example.toml"
       FG_EXAMPLE_TEXT "${FG_EXAMPLE_TEXT}")
file(CONFIGURE OUTPUT ${FG_PKG_OUT}/connectors.example.toml CONTENT "${FG_EXAMPLE_TEXT}" @ONLY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${FG_EXAMPLE})

file(GLOB FG_MAPPINGS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/ops/simulator/mappings/*.toml)
install(FILES ${PROJECT_SOURCE_DIR}/ops/config/text_rules.toml ${FG_PKG_OUT}/connectors.example.toml
        DESTINATION /etc/faultgraph PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${FG_MAPPINGS} DESTINATION /etc/faultgraph/mappings
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${FG_PKG}/faultgraph.default DESTINATION /etc/default RENAME faultgraph)
install(FILES ${FG_PKG}/faultgraph.logrotate DESTINATION /etc/logrotate.d RENAME faultgraph)
install(FILES ${FG_PKG}/faultgraph.service DESTINATION /lib/systemd/system)
install(DIRECTORY DESTINATION /var/lib/faultgraph
        DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)

# Everything under /etc is a conffile: an upgrade keeps the admin's edits.
set(FG_CONFFILES /etc/faultgraph/text_rules.toml /etc/faultgraph/connectors.example.toml
                 /etc/default/faultgraph /etc/logrotate.d/faultgraph)
foreach(m ${FG_MAPPINGS})
  get_filename_component(name ${m} NAME)
  list(APPEND FG_CONFFILES /etc/faultgraph/mappings/${name})
endforeach()
list(JOIN FG_CONFFILES "\n" FG_CONFFILES_TEXT)
file(CONFIGURE OUTPUT ${FG_PKG_OUT}/conffiles CONTENT "${FG_CONFFILES_TEXT}\n" @ONLY)

# The R&D feed client (python3-thrift) and the Python bindings it needs.
install(PROGRAMS ${PROJECT_SOURCE_DIR}/ops/clients/feed_to_csv.py
        DESTINATION share/faultgraph/clients)
install(DIRECTORY ${PROJECT_BINARY_DIR}/api/gen-py/ DESTINATION share/faultgraph/gen-py
        FILES_MATCHING PATTERN "*.py" PATTERN "*-remote" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/OPERATIONS.md
              ${PROJECT_SOURCE_DIR}/docs/SECURITY.md ${PROJECT_SOURCE_DIR}/docs/MAPPINGS.md
        DESTINATION share/doc/faultgraph)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME faultgraph)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "fault knowledge-graph server and command line")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # faultgraph_<version>_<arch>.deb
set(FAULTGRAPH_PACKAGE_MAINTAINER "faultgraph maintainers <faultgraph@localhost>"
    CACHE STRING "the Maintainer field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${FAULTGRAPH_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "faultgraph turns after-sales data (CRM service tickets, ERP products, bills\n\
of materials and the installed base, call-centre records, sensor alarms)\n\
into one fault knowledge graph in RocksDB, served over Thrift: root cause\n\
and fixes for support agents, repeat failures and failure-rate trends for\n\
R&D. faultgraphd runs as the systemd service faultgraph.")
# The runtime libraries' packages, from the programs' NEEDED entries
# (dpkg-shlibdeps, in dpkg-dev); adduser for the postinst.
find_program(FAULTGRAPH_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(FAULTGRAPH_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
else()
  # Debian 12's names, as dpkg-shlibdeps found them for faultgraph 0.2.
  message(STATUS "dpkg-shlibdeps not found (dpkg-dev): the package lists its "
                 "libraries by hand")
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "adduser, libc6, libcurl4, libevent-2.1-7, libfasttext0, libgcc-s1, liblinear4, \
libmicrohttpd12, libopencc1.1, libpaho-mqtt1.3, libpq5, libre2-9, librocksdb7.8, libsimdjson14, \
libsodium23, libssl3, libstdc++6, libsystemd0, libtbb12, libtcmalloc-minimal4, libthrift-0.17.0, \
libtomlplusplus3, libuchardet0, libutf8proc2, libxapian30, libxlsxwriter4")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "logrotate")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-thrift")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${FG_PKG}/postinst ${FG_PKG}/prerm ${FG_PKG}/postrm ${FG_PKG_OUT}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
