// mixtasy-milter: placeholder until the daemon lands.
#include <cstdio>
int main() {
    std::puts("mixtasy-milter " "0.1.0");
    return 0;
}
