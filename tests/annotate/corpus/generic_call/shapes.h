struct square { long side; };
struct circle { long r; };
long square_area(struct square s);
long circle_area(struct circle c);
