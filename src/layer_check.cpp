// Linked with one core layer in whole and only the layers below it (src/CMakeLists.txt): if
// the layer calls into a layer above it, this program fails to link.
int main() { return 0; }
