"""毕业去向: the graduate's pages, the reviewers' 毕业去向审核, and the public checks (毕业去向核验, 协议书核验)."""

from django.urls import path

from . import destination_views, review_views, verify_views

app_name = "destinations"
urlpatterns = [
    # 毕业去向 (students)
    path("student/destination/", destination_views.destination, name="student"),
    path("student/destination/register/", destination_views.register, name="register"),
    path("student/destination/certificate.pdf", destination_views.certificate, name="certificate"),
    path("student/destination/<int:pk>/withdraw/", destination_views.withdraw, name="withdraw"),
    path("student/destination/<int:pk>/proof/", destination_views.proof, name="proof"),
    # 毕业去向审核 (college and school reviewers)
    path("school/destinations/", review_views.queue, name="review_queue"),
    path("school/destinations/done/", review_views.history, name="review_history"),
    path("school/destinations/batch-approve/", review_views.batch_approve, name="review_batch_approve"),
    path("school/destinations/<int:pk>/", review_views.detail, name="review_detail"),
    path("school/destinations/<int:pk>/proof/", review_views.proof, name="review_proof"),
    path("school/destinations/<int:pk>/approve/", review_views.approve, name="review_approve"),
    path("school/destinations/<int:pk>/return/", review_views.return_for_correction, name="review_return"),
    # Public, no sign-in
    path("verify/destination/", verify_views.verify_destination, name="verify_destination"),
    path("verify/agreement/", verify_views.verify_agreement, name="verify_agreement"),
]
