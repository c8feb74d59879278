"""Slots, assignment of residents to slots, overbooking, mobile routes, simulation."""
