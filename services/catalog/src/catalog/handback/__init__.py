"""Data the city hands back to the district (属地返还, Art. 5), imported as records of a
resource."""
