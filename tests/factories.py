"""Test data with factory_boy: the smallest objects that make a valid district."""

import factory
from factory.django import DjangoModelFactory

from backend.accounts.models import District, School, User


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"District {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    time_zone = "America/Chicago"


class TeacherFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"teacher{n}@example.org")
    full_name = factory.Faker("name")
    school = factory.SubFactory(SchoolFactory)
    password = factory.django.Password("correct-horse-battery")


class LeaderFactory(TeacherFactory):
    is_teacher_leader = True


class CoordinatorFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"coordinator{n}@example.org")
    full_name = factory.Faker("name")
    coordinated_district = factory.SubFactory(DistrictFactory)
    password = factory.django.Password("correct-horse-battery")


class StaffFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    full_name = factory.Faker("name")
    is_staff = True
    is_superuser = True
    password = factory.django.Password("correct-horse-battery")
