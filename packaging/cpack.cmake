# A Debian package of an install under /usr: `cpack -G DEB` in a build directory (Release:
# scripts/package.sh builds one, runs cpack and lintian). The package's copyright and
# changelog are packaging/debian/, installed with everything else by the top CMakeLists.txt.
set(CPACK_PACKAGE_NAME divert)
set(CPACK_PACKAGE_VENDOR "the divert authors")
set(CPACK_PACKAGE_CONTACT "divert maintainers <maintainers@users.noreply.r-seed-28d9eb30.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "eligibility checklists for Law Enforcement Assisted Diversion")
# The extended description: lines under 80 columns (lintian), CPack indents them by one space.
set(CPACK_PACKAGE_DESCRIPTION
    "divert reads a jurisdiction's LEAD eligibility policy (YAML), decides whether
a person an officer has stopped may be referred to a case manager instead of
being booked, explains the decision with each rule's source, and writes a
signed referral record that anyone can verify later with OpenSSH. Policy
authors lint, test, compare and render policies with it.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
# Installed with DESTDIR under the real prefix, so that install-time decisions that follow the
# prefix (zsh's completion directory) see /usr, not the staging directory.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "openssh-client")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
