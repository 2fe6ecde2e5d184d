// mixtasy: placeholder until the first subcommand lands.
#include <cstdio>
int main() {
    std::puts("mixtasy 0.1.0");
    return 0;
}
