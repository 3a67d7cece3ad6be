"""The engagement dashboard's sections: each turns its query rows into headline figures and tables."""
