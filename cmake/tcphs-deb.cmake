# tcphs-deb.cmake: the Debian package, made by CPack.
#
#   cmake -S . -B build && cmake --build build && (cd build && cpack -G DEB)
#   (or: cmake --build build --target package)
#
# gives build/tcphs_<version>+ws<major.minor>_<arch>.deb with tcphs.so in
# Wireshark's system plugin folder (<plugindir>/epan, e.g.
# /usr/lib/x86_64-linux-gnu/wireshark/plugins/4.0/epan/tcphs.so).
#
# Depends: Wireshark refuses a plugin built for another major.minor, and looks
# for plugins only in the folder named after its own major.minor, so the
# package pins the minor release it was built for, twice:
#   - wireshark-common (>= M.m), wireshark-common (<< M.(m+1)~): the package
#     every Wireshark program (tshark, wireshark, sharkd...) depends on at its
#     exact version, and whose name is the same on Debian and Ubuntu.  An
#     upgrade to another minor release then has to remove tcphs (apt says so)
#     instead of leaving a plugin that is silently no longer loaded;
#   - the library package that holds the libwireshark.so.N tcphs was linked
#     against (libwireshark16 on Debian 12, libwireshark17t64 on Ubuntu 24.04,
#     found with dpkg -S at configure time), with the same bounds;
# plus what dpkg-shlibdeps finds (libc6, libglib2.0-0, libwsutilN, ...).

set(CPACK_PACKAGE_NAME "tcphs")
set(CPACK_PACKAGE_VENDOR "tcphs")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}+ws${TCPHS_WS_RELEASE}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "TCP handshake analysis plugin for Wireshark ${TCPHS_WS_RELEASE}")
set(CPACK_PACKAGE_CONTACT "tcphs developers <tcphs@invalid>")
set(CPACK_GENERATOR "DEB")
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_STRIP_FILES ON)
# Only the "deb" install component: tcphs.so into the system plugin folder.
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};tcphs;deb;/")
set(CPACK_PACKAGING_INSTALL_PREFIX "${WIRESHARK_INSTALL_PREFIX}")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY first and indents these lines.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "tcphs is an epan post-dissector plugin that explains every TCP segment:
the three-way handshake and its initial sequence numbers, the options
agreed, data transfer, keep-alives and how the connection was closed,
with tcphs.* fields, statistics (-z tcphs,tree) and lab reports.

This build is for Wireshark ${TCPHS_WS_RELEASE}.x only (built against ${WIRESHARK_VERSION}).")
set(CPACK_DEBIAN_PACKAGE_ENHANCES "wireshark, tshark")

math(EXPR _tcphs_next_minor "${WIRESHARK_VERSION_MINOR} + 1")
set(_tcphs_low "${TCPHS_WS_RELEASE}")
set(_tcphs_high "${WIRESHARK_VERSION_MAJOR}.${_tcphs_next_minor}~")

# The package that holds the libwireshark tcphs links against.
if(TCPHS_WIRESHARK_PREFIX)
  set(_tcphs_libws "${TCPHS_WS_LIBWIRESHARK}")
else()
  set(_tcphs_libws "")
  foreach(_lib ${WIRESHARK_LINK_LIBRARIES})
    if(_lib MATCHES "/libwireshark\\.so$")
      set(_tcphs_libws "${_lib}")
    endif()
  endforeach()
endif()
set(TCPHS_DEB_LIBRARY_PACKAGE "" CACHE STRING "Debian package holding libwireshark.so.N (empty: found with dpkg -S)")
set(_tcphs_libpkg "${TCPHS_DEB_LIBRARY_PACKAGE}")
if(NOT _tcphs_libpkg AND _tcphs_libws)
  file(REAL_PATH "${_tcphs_libws}" _tcphs_libws_real)
  find_program(DPKG_QUERY dpkg-query)
  if(DPKG_QUERY AND NOT TCPHS_WIRESHARK_PREFIX)
    execute_process(COMMAND ${DPKG_QUERY} -S "${_tcphs_libws_real}"
                    OUTPUT_VARIABLE _tcphs_owner ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    string(REGEX MATCH "^[a-z0-9.+-]+" _tcphs_libpkg "${_tcphs_owner}")
  elseif(TCPHS_WIRESHARK_PREFIX)
    # An unpacked prefix: each package left usr/share/doc/<package>/.
    file(GLOB _tcphs_docs LIST_DIRECTORIES true "${TCPHS_WIRESHARK_PREFIX}/usr/share/doc/libwireshark[0-9]*")
    if(_tcphs_docs)
      list(GET _tcphs_docs 0 _tcphs_doc)
      get_filename_component(_tcphs_libpkg "${_tcphs_doc}" NAME)
    endif()
  endif()
endif()

set(_tcphs_depends "wireshark-common (>= ${_tcphs_low}), wireshark-common (<< ${_tcphs_high})")
if(_tcphs_libpkg AND TCPHS_WIRESHARK_PREFIX)
  string(APPEND _tcphs_depends ", ${_tcphs_libpkg} (>= ${_tcphs_low}), ${_tcphs_libpkg} (<< ${_tcphs_high})")
elseif(_tcphs_libpkg)   # dpkg-shlibdeps adds the lower bound
  string(APPEND _tcphs_depends ", ${_tcphs_libpkg} (<< ${_tcphs_high})")
else()
  message(STATUS "tcphs: no Debian package found for ${_tcphs_libws}; the .deb pins wireshark-common only")
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_tcphs_depends}")
# dpkg-shlibdeps needs the libraries to belong to installed packages: not for a prefix.
if(NOT TCPHS_WIRESHARK_PREFIX)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
message(STATUS "tcphs: the .deb (cpack -G DEB) installs into ${CPACK_PACKAGING_INSTALL_PREFIX}/${_tcphs_system_dir}, Depends: ${_tcphs_depends}")

include(CPack)
